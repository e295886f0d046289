"""Messages to candidates: templates, the outbox, and the worker that delivers it."""
