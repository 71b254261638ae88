-- The pipeline tables as release 0.1 made them (create_all), frozen for the migration test.
CREATE TABLE pipeline_audit (
	id SERIAL NOT NULL, 
	at TIMESTAMP WITH TIME ZONE NOT NULL, 
	actor VARCHAR(64) NOT NULL, 
	action VARCHAR(32) NOT NULL, 
	subject VARCHAR(64), 
	detail VARCHAR(200) NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_pipeline_audit_at ON pipeline_audit (at);
CREATE INDEX ix_pipeline_audit_subject ON pipeline_audit (subject);
CREATE TABLE pipeline_candidates (
	candidate_id VARCHAR(200) NOT NULL, 
	stage VARCHAR(32) NOT NULL, 
	stage_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	stage_by VARCHAR(64) NOT NULL, 
	PRIMARY KEY (candidate_id)
);
CREATE TABLE pipeline_messages (
	id SERIAL NOT NULL, 
	candidate_id VARCHAR(200) NOT NULL, 
	channel VARCHAR(32) NOT NULL, 
	sent_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	sender VARCHAR(64) NOT NULL, 
	language VARCHAR(8) NOT NULL, 
	subject TEXT, 
	body TEXT NOT NULL, 
	cited_paper_ids JSON NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_pipeline_messages_candidate_id ON pipeline_messages (candidate_id);
CREATE TABLE pipeline_notes (
	id SERIAL NOT NULL, 
	candidate_id VARCHAR(200) NOT NULL, 
	author VARCHAR(64) NOT NULL, 
	at TIMESTAMP WITH TIME ZONE NOT NULL, 
	text TEXT NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_pipeline_notes_candidate_id ON pipeline_notes (candidate_id);
CREATE TABLE pipeline_followups (
	id SERIAL NOT NULL, 
	candidate_id VARCHAR(200) NOT NULL, 
	due_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	owner VARCHAR(64) NOT NULL, 
	chat_id BIGINT, 
	message_id INTEGER, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	reminded_at TIMESTAMP WITH TIME ZONE, 
	done_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (id), 
	FOREIGN KEY(message_id) REFERENCES pipeline_messages (id) ON DELETE SET NULL
);
CREATE INDEX ix_pipeline_followups_candidate_id ON pipeline_followups (candidate_id);
CREATE INDEX ix_pipeline_followups_due ON pipeline_followups (done_at, reminded_at, due_at);
CREATE TABLE pipeline_stage_events (
	id SERIAL NOT NULL, 
	candidate_id VARCHAR(200) NOT NULL, 
	stage VARCHAR(32) NOT NULL, 
	at TIMESTAMP WITH TIME ZONE NOT NULL, 
	actor VARCHAR(64) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(candidate_id) REFERENCES pipeline_candidates (candidate_id) ON DELETE CASCADE
);
CREATE INDEX ix_pipeline_stage_events_candidate_id ON pipeline_stage_events (candidate_id);
