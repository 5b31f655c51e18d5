DROP TABLE project_invitation_texts;
DROP TABLE mail_texts;
