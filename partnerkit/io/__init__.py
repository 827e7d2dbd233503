"""The reader layer: survey exports in, a :class:`~partnerkit.survey.Survey` out.

One module per step a file goes through:

* :mod:`.read`: ``read_survey``, which reads every file (in worker processes when
  there are many) and stacks them;
* :mod:`.part`: one file's part: read its table, plan its columns, decode its
  answers and account for every row;
* :mod:`.layouts`: which platform wrote an export (its header rows, its tables);
* :mod:`.files`: one sheet or CSV file read defensively (:mod:`.csv_pieces`
  parses a large CSV file on threads);
* :mod:`.mapping`, :mod:`.decode`, :mod:`.roles`, :mod:`.rounds`: headers to
  items, answers to numbers, role columns and actor maps, rounds from names;
* :mod:`.stack`: the parts stacked into one survey, duplicate respondents dropped;
* :mod:`.inputs`: files, folders and patterns to read.
"""

from .part import Part, build_part, column_matches, inspect_sheet, read_part
from .read import Failure, read_survey
from .stack import stack_parts

__all__ = [
    "Failure",
    "Part",
    "build_part",
    "column_matches",
    "inspect_sheet",
    "read_part",
    "read_survey",
    "stack_parts",
]
