-- What the facilitator writes for a walk's report: the restitution (what the group presented
-- to the elected officials and the bodies present) and, a year later, the bilan. Both are
-- shown in the printable report of the matching version.
ALTER TABLE walks
    ADD COLUMN restitution_text text CHECK (length(restitution_text) <= 10000),
    ADD COLUMN bilan_text text CHECK (length(bilan_text) <= 10000);
