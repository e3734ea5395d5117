"""Request parameters and dependencies that several routers and pages share (no routes
here): one place per area, so that no route module imports another."""
