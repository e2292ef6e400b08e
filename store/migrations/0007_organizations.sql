-- Organizations, their admins and followers; positions linked to them;
-- seats of premium products granted to an organization and assigned to
-- members; what is made from a seat (it belongs to the organization and
-- stays with the seat); members' open-to-work preferences; and the audit
-- log of every admin action.

CREATE TABLE organizations (
    id         INTEGER PRIMARY KEY,
    slug       TEXT   NOT NULL,
    name       TEXT   NOT NULL,
    name_key   TEXT   NOT NULL,
    tagline    TEXT   NOT NULL DEFAULT '',
    about      TEXT   NOT NULL DEFAULT '',
    website    TEXT   NOT NULL DEFAULT '',
    industry   TEXT   NOT NULL DEFAULT '',
    size       TEXT   NOT NULL DEFAULT '',
    location   TEXT   NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX organizations_slug_key ON organizations (slug);
CREATE INDEX organizations_name_key ON organizations (name_key);

-- A member may hold several roles of one organization.
CREATE TABLE organization_admins (
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    member_id       BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    role            TEXT   NOT NULL,
    granted_by      BIGINT NOT NULL,
    granted_at      BIGINT NOT NULL,
    PRIMARY KEY (organization_id, member_id, role)
);
CREATE INDEX organization_admins_member_idx ON organization_admins (member_id);

CREATE TABLE organization_follows (
    member_id       BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (member_id, organization_id)
);
CREATE INDEX organization_follows_org_idx ON organization_follows (organization_id, member_id);

ALTER TABLE positions ADD COLUMN organization_id BIGINT REFERENCES organizations (id) ON DELETE SET NULL;
CREATE INDEX positions_organization_id ON positions (organization_id, member_id);

-- A seat is one unit of a product an organization was granted. Who holds it
-- is in seat_assignments: at most one assignment a seat is offered or
-- active; the others are its history.
CREATE TABLE seats (
    id              INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    product         TEXT   NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX seats_organization_idx ON seats (organization_id, product);

CREATE TABLE seat_assignments (
    id          INTEGER PRIMARY KEY,
    seat_id     BIGINT NOT NULL REFERENCES seats (id) ON DELETE CASCADE,
    member_id   BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    status      TEXT   NOT NULL,
    assigned_by BIGINT NOT NULL,
    assigned_at BIGINT NOT NULL,
    answered_at BIGINT NOT NULL DEFAULT 0,
    ended_at    BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX seat_assignments_current_key ON seat_assignments (seat_id) WHERE status IN ('offered', 'active');
CREATE INDEX seat_assignments_member_idx ON seat_assignments (member_id, status);

-- What a member says about looking for work. Never broadcast; who sees it
-- is decided in service/recruiter.go.
CREATE TABLE open_to_work (
    member_id  BIGINT PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    titles     TEXT   NOT NULL DEFAULT '[]',
    locations  TEXT   NOT NULL DEFAULT '[]',
    workplaces TEXT   NOT NULL DEFAULT '[]',
    job_types  TEXT   NOT NULL DEFAULT '[]',
    visibility TEXT   NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Every organization admin action and every site operator action. The
-- actor is 0 for the site operator at the command line.
CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY,
    at              BIGINT NOT NULL,
    actor_id        BIGINT NOT NULL,
    organization_id BIGINT NOT NULL DEFAULT 0,
    target_id       BIGINT NOT NULL DEFAULT 0,
    action          TEXT   NOT NULL,
    detail          TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_organization_idx ON audit_log (organization_id, id);
CREATE INDEX audit_log_target_idx ON audit_log (target_id, id);
