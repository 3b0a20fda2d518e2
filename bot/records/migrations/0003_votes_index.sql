-- Votes by kind and time, with the answer they are on: the report counts 👍/👎 and
-- finds the most-👎 answers from this index alone, then reads only those questions.
CREATE INDEX votes_by_vote ON votes (vote, voted_at, question_id);
-- Declined questions are read through the partial covering index of schema 2; the older
-- index on (declined, asked_at) made the planners fetch each row instead.
DROP INDEX questions_declined;
