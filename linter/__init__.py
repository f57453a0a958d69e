"""kefu-lint: lint Chinese customer-service reply templates (话术) against the handbook's rules."""

__version__ = "0.1.0"
