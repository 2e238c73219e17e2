"""The notifications service: decides how, when and whether messages are sent, and sends them."""
