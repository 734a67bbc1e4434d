"""The ground floor: plumbing every app uses (errors, the exception handler, parsers, pagination, query
validation, permissions, schema hooks, middleware) and the INN and root-domain value rules. Imports no app."""
