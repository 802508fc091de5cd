// XXH_INLINE_ALL is deliberately not set: we link the system libxxhash so the hash matches `xxhsum -H2`.
#include <xxhash.h>
