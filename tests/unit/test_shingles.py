"""Shingle hashes feed the MinHash signatures (made again by each clustering since migration 0026, but a window
and its new articles must be signed alike, in any process): the scheme is pinned here from its definition, not
from the code's output."""

import zlib

from akhbar.story_features import shingle_hashes

MIX = 0x9E3779B1


def crc(word: str) -> int:
    return zlib.crc32(word.encode("utf-8"))


def test_a_word_shingle_is_the_words_crc32():
    assert shingle_hashes("الحكومه", 5).tolist() == [crc("الحكومه")]  # fewer words than k: one shingle


def test_k_consecutive_words_combine_in_order_modulo_2_32():
    a, b, c = "اعلنت", "وزاره", "الصحه"
    ab = (crc(a) * MIX + crc(b)) % 2**32
    bc = (crc(b) * MIX + crc(c)) % 2**32
    assert shingle_hashes(f"{a} {b} {c}", 2).tolist() == sorted({ab, bc})
    abc = ((crc(a) * MIX + crc(b)) % 2**32 * MIX + crc(c)) % 2**32
    assert shingle_hashes(f"{a}، {b}. {c}", 3).tolist() == [abc]  # punctuation is not a word


def test_repeated_words_hash_the_same_on_every_call():
    text = " ".join(["قال", "الوزير", "ان", "الوزير", "قال"] * 3)
    first = shingle_hashes(text, 2).tolist()
    assert shingle_hashes(text, 2).tolist() == first
    # قال الوزير / الوزير ان / ان الوزير / الوزير قال / قال قال (where one repetition meets the next)
    assert len(first) == len(set(first)) == 5


def test_an_empty_body_has_no_shingles():
    assert shingle_hashes("", 5).size == 0
    assert shingle_hashes(None, 5).size == 0


def test_signatures_equal_datasketchs_own():
    """Signatures are computed in numpy; they must equal datasketch's MinHash of the same values (the scheme
    its LSH bands are defined for)."""
    import numpy as np
    from datasketch import MinHash

    from akhbar.stories import NUM_PERM, Signer

    hashes = shingle_hashes("اعلنت وزاره الصحه اليوم عن افتتاح مستشفي جديد في القاهره بطاقه مئتي سرير", 3)
    reference = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=int, scheme="affine32")
    reference.update_batch(hashes.tolist())
    ours = Signer().signature(hashes.astype(np.uint32))
    assert ours.dtype == reference.hashvalues.dtype and ours.tolist() == reference.hashvalues.tolist()
    assert Signer().signature(np.zeros(0, dtype=np.uint32)).tolist() == MinHash(
        num_perm=NUM_PERM, seed=1, hashfunc=int, scheme="affine32").hashvalues.tolist()


def test_a_batchs_signatures_equal_datasketchs_one_text_at_a_time():
    """Signer.signatures (the whole chunk in one pass per permutation) gives each text the MinHash datasketch
    gives it alone, empty texts included."""
    import numpy as np
    from datasketch import MinHash

    from akhbar.stories import NUM_PERM, Signer

    texts = ["اعلنت وزاره الصحه اليوم عن افتتاح مستشفي جديد في القاهره", "", "كلمه",
             "قال الوزير ان الوزير قال ان الوزير قال", ""]
    batch = [shingle_hashes(t, 3).astype(np.uint32) for t in texts]
    ours = Signer().signatures(batch)
    for hashes, row in zip(batch, ours):
        reference = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=int, scheme="affine32")
        if hashes.size:
            reference.update_batch(hashes.tolist())
        assert row.tolist() == reference.hashvalues.tolist()
    assert Signer().signatures([]).shape == (0, NUM_PERM)
