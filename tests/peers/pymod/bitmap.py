# ISC license. The one call of the "bitmap" module that tini's test suite
# makes, for tests/migrate-suites.t (Debian has no package of it): a
# string of binary digits, most significant first; nonzero() gives the
# positions of the 1 bits, counted from the least significant.


class BitMap:
    def __init__(self, bits):
        self.bits = bits

    @classmethod
    def fromstring(cls, s):
        return cls([i for i, c in enumerate(reversed(s)) if c == "1"])

    def nonzero(self):
        return list(self.bits)
