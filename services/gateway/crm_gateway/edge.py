"""What every route shares: authentication of the caller at the edge and the documented error answers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from crm_chassis.auth import Principal, TokenVerifier
from crm_chassis.errors import Unauthenticated
from crm_gateway import schemas
from crm_gateway.errors import ApiError

ERRORS = {"model": schemas.ErrorResponse}
API_ERRORS = {
    401: {**ERRORS, "description": "Missing, expired or invalid bearer token"},
    403: {**ERRORS, "description": "The token's roles do not allow this"},
    422: {**ERRORS, "description": "Invalid request; every bad field is listed"},
    502: {**ERRORS, "description": "A downstream service failed"},
    503: {**ERRORS, "description": "A downstream service is unavailable"},
    504: {**ERRORS, "description": "A downstream service did not answer in time"},
}

_bearer = HTTPBearer(scheme_name="bearerAuth", bearerFormat="JWT", description="A JWT issued by `crm token`.", auto_error=False)


async def _authenticate(request: Request, _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Principal:
    # The verifier reads the header itself; `_bearer` is there to declare the scheme in OpenAPI.
    verifier: TokenVerifier = request.app.state.verifier
    try:
        return verifier.verify_authorization(request.headers.get("authorization"))
    except Unauthenticated as exc:
        raise ApiError.unauthenticated(exc.message) from None


# A route that takes a `Caller` needs a bearer token and is documented with the bearerAuth scheme.
Caller = Annotated[Principal, Depends(_authenticate)]
