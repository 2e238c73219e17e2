"""The contacts service: the customer file every other service trusts."""
