"""Article -> mentions -> figures, entities, events: one module a stage."""
