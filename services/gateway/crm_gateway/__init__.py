"""The gateway: the REST/JSON edge of the CRM suite."""
