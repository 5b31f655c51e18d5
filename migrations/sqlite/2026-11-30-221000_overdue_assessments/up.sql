-- The housekeeping job looks for timed tests past their deadline that are still in progress:
-- a partial index makes that a probe instead of a scan of every assessment.
CREATE INDEX assessments_in_progress_deadline ON assessments (deadline_at) WHERE status = 'in_progress';
