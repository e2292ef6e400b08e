-- Every name an organization's page has had. A member who typed one of
-- them as their current employer works there, as far as open to work is
-- concerned: renaming the page must not lift the protection.
CREATE TABLE organization_names (
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            TEXT   NOT NULL,
    PRIMARY KEY (organization_id, name)
);
INSERT INTO organization_names (organization_id, name) SELECT id, name FROM organizations;
