//! story: building the view of one story (timeline, entities, facts, sources).
