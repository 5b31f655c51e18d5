-- The test catalogue, projects, candidates, invitations, assessments and answers.

CREATE TABLE tests (
    id TEXT PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('aptitude', 'personality')),
    category TEXT NOT NULL CHECK (category IN ('numerical', 'verbal', 'inductive', 'personality')),
    description TEXT NOT NULL,
    instructions TEXT NOT NULL,
    timed BOOLEAN NOT NULL,
    duration_seconds INTEGER,
    credit_cost INTEGER NOT NULL CHECK (credit_cost >= 0),
    position INTEGER NOT NULL,
    CHECK (timed = (duration_seconds IS NOT NULL))
);

-- Items. Aptitude items have one correct option; personality items are keyed to a trait.
CREATE TABLE questions (
    id TEXT PRIMARY KEY NOT NULL,
    test_id TEXT NOT NULL REFERENCES tests (id),
    position INTEGER NOT NULL,
    prompt TEXT NOT NULL,
    correct_option_id TEXT,
    trait TEXT,
    reverse_keyed BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (test_id, position)
);

CREATE TABLE question_options (
    id TEXT PRIMARY KEY NOT NULL,
    question_id TEXT NOT NULL REFERENCES questions (id),
    position INTEGER NOT NULL,
    label TEXT NOT NULL,
    -- Likert value 1..5 for personality items.
    value INTEGER,
    UNIQUE (question_id, position)
);

CREATE TABLE norm_groups (
    id TEXT PRIMARY KEY NOT NULL,
    test_id TEXT NOT NULL REFERENCES tests (id),
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (test_id, name)
);

-- Mean and standard deviation of the raw score per scale: `total` for aptitude tests, one row
-- per trait for personality tests.
CREATE TABLE norms (
    norm_group_id TEXT NOT NULL REFERENCES norm_groups (id),
    scale TEXT NOT NULL,
    mean DOUBLE PRECISION NOT NULL,
    sd DOUBLE PRECISION NOT NULL CHECK (sd > 0),
    PRIMARY KEY (norm_group_id, scale)
);

CREATE TABLE projects (
    id TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id),
    name TEXT NOT NULL,
    description TEXT,
    access_key TEXT UNIQUE,
    access_key_enabled BOOLEAN NOT NULL,
    expires_at TIMESTAMP,
    support_name TEXT,
    support_email TEXT,
    report_email TEXT,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX projects_client ON projects (client_id, id);

CREATE TABLE project_tests (
    project_id TEXT NOT NULL REFERENCES projects (id),
    test_id TEXT NOT NULL REFERENCES tests (id),
    norm_group_id TEXT NOT NULL REFERENCES norm_groups (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (project_id, test_id)
);

CREATE TABLE candidates (
    id TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id),
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT,
    extra_time_percent INTEGER NOT NULL CHECK (extra_time_percent BETWEEN 0 AND 100),
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (client_id, email)
);
CREATE INDEX candidates_client ON candidates (client_id, id);

CREATE TABLE invitations (
    id TEXT PRIMARY KEY NOT NULL,
    candidate_id TEXT NOT NULL REFERENCES candidates (id),
    project_id TEXT NOT NULL REFERENCES projects (id),
    client_id TEXT NOT NULL REFERENCES clients (id),
    -- SHA-256 of the magic link's token.
    token_hash TEXT UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('invited', 'in_progress', 'submitted', 'cancelled', 'expired')),
    credits_charged INTEGER NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (candidate_id, project_id)
);
CREATE INDEX invitations_project ON invitations (project_id, id);
CREATE INDEX invitations_status ON invitations (status, expires_at);

CREATE TABLE assessments (
    id TEXT PRIMARY KEY NOT NULL,
    invitation_id TEXT NOT NULL REFERENCES invitations (id),
    test_id TEXT NOT NULL REFERENCES tests (id),
    norm_group_id TEXT NOT NULL REFERENCES norm_groups (id),
    position INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('not_started', 'in_progress', 'submitted', 'refunded')),
    started_at TIMESTAMP,
    deadline_at TIMESTAMP,
    submitted_at TIMESTAMP,
    raw_score DOUBLE PRECISION,
    percentile INTEGER,
    sten INTEGER,
    t_score DOUBLE PRECISION,
    -- JSON: one {raw, sten, percentile, t_score} per trait (personality).
    trait_scores TEXT,
    UNIQUE (invitation_id, test_id)
);

-- Autosaved answers; resuming continues from here.
CREATE TABLE answers (
    assessment_id TEXT NOT NULL REFERENCES assessments (id),
    question_id TEXT NOT NULL REFERENCES questions (id),
    option_id TEXT NOT NULL REFERENCES question_options (id),
    answered_at TIMESTAMP NOT NULL,
    PRIMARY KEY (assessment_id, question_id)
);

-- A candidate's sign-in to the test area (magic link or access key).
CREATE TABLE candidate_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    candidate_id TEXT NOT NULL REFERENCES candidates (id),
    invitation_id TEXT NOT NULL REFERENCES invitations (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
