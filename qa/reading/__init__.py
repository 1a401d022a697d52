"""Reading a question: its words and dates, the period it names, the answer it wants, its outlets."""
