"""A pypto-lib style multi-card file: importing pypto.language.distributed is one located error."""

import pypto.language as pl
import pypto.language.distributed as pld

if __name__ == "__main__":
    print(pl, pld)
