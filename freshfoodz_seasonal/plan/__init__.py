"""A season's whole capacity plan, composed from the stack settings and the capacity engine. Pure."""
