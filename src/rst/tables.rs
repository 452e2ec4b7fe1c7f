//! Grid and simple tables (docutils `tableparser.py`). STUB: to be replaced.
