"""Every SQL statement of the surveys domain, one module per room (walks, observations, photos,
follow-up, actions, public aggregates). Functions take ``conn`` first and never commit."""
