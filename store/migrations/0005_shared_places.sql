-- The organizations and schools that members share, for people you may know:
-- each position and education entry keeps its name folded (rapport.Fold),
-- and an index finds the others who named the same one.
ALTER TABLE positions ADD COLUMN organization_key TEXT NOT NULL DEFAULT '';
ALTER TABLE education ADD COLUMN school_key TEXT NOT NULL DEFAULT '';
UPDATE positions SET organization_key = lower(trim(organization_name));
UPDATE education SET school_key = lower(trim(school));
CREATE INDEX positions_organization_key ON positions (organization_key, member_id);
CREATE INDEX education_school_key ON education (school_key, member_id);
