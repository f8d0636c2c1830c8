"""Rules: each module encodes one part of the NANETS 2023 paper and adds items to a Plan."""
