-- Answered runs by time: a judge taking over the judgments of a replica
-- that died scans the recent ones (ClaimUnjudged).
CREATE INDEX runs_answered ON runs (created) WHERE status = 'answered';
