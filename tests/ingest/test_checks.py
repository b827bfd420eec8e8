"""The repeated-id check finds exactly the hashes that occur more than once, however it splits."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iom.ingest import checks

# Values near each end of the range, so that the split by top bits puts them in different parts.
HASHES = st.lists(
    st.one_of(
        st.integers(0, 20),
        st.integers(2**63 - 5, 2**63 + 5),
        st.integers(2**64 - 20, 2**64 - 1),
        st.integers(0, 2**64 - 1),
    ),
    max_size=60,
)


@pytest.mark.parametrize("threads", [1, 2, 4, 8])
@given(values=HASHES)
def test_repeated_values_are_those_seen_twice(threads: int, values: list[int]) -> None:
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(checks, "_sorting_threads", lambda: threads)
        found = checks.repeated_values(np.array(values, dtype=np.uint64))
    assert found.tolist() == sorted(v for v, n in Counter(values).items() if n > 1)
