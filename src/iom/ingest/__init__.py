"""Getting person records in: reading feeds, checking each record, keeping bad ones aside."""
