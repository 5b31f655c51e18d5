DROP TABLE ats_callbacks;
DROP TABLE ats_links;
DROP TABLE ats_connectors;
