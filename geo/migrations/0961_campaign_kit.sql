-- The campaign kit (issue 21): printed directories and posters carry a QR code whose link
-- names where it was displayed (« src »). A scan is counted per place of display and month —
-- no cookie, no address, no time of day: one counter per (source, month) — and published only
-- at k ≥ 5 (actors.campaign_kit).

CREATE TABLE campaign_source (
    code text PRIMARY KEY CHECK (code ~ '^[a-z0-9][a-z0-9-]{2,79}$'),
    label text NOT NULL CHECK (char_length(label) BETWEEN 1 AND 200),
    kind text NOT NULL CHECK (kind IN ('annuaire', 'affiche')),
    qpv_code text,
    commune_insee text CHECK (commune_insee ~ '^([0-9]{5}|2[AB][0-9]{3})$'),
    paper text CHECK (paper IN ('A4', 'A3')),
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text
);

CREATE TABLE campaign_scan (
    source text NOT NULL REFERENCES campaign_source (code) ON DELETE CASCADE,
    month date NOT NULL CHECK (extract(day FROM month) = 1),
    scans integer NOT NULL DEFAULT 0 CHECK (scans >= 0),
    PRIMARY KEY (source, month)
);
