"""Infrastructure shared by every CRM service; no domain types live here."""
