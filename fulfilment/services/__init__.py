"""Every business rule of the warehouse, written once; callers translate DomainError."""
