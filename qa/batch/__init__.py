"""Batch answering: a file of questions in, one evidence record per question out, flushed as it goes.

questions: reading the questions file; running: answering them (`run_batch`, `answer_file`);
writing: the output's format and one answer at a time in it; resume: what --resume finds done;
ahead: the questions of a group encoded in one model call.
"""
