-- Feedback comes from a user or from an LLM judge (baton.yaml's judge:).
-- judge_cost is what judging the run cost in nanodollars, apart from the
-- run's own cost; a user's feedback replacing a judge's keeps it.
ALTER TABLE feedback ADD COLUMN source TEXT NOT NULL DEFAULT 'user' CHECK (source IN ('user', 'judge'));
ALTER TABLE feedback ADD COLUMN judge_cost INTEGER NOT NULL DEFAULT 0 CHECK (judge_cost >= 0);
