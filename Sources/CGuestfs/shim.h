/*
 * The only C in kdumpbake. libguestfs's header imports into Swift except for
 * two things, which this shim re-exports in a form Swift can see:
 *
 *  - the optional-argument bitmask macros (`*_BITMASK`), which expand to
 *    `UINT64_C(1)<<n` and so are not imported as constants;
 *  - variadic calls (`guestfs_add_drive_opts` etc.): Swift uses the `*_argv`
 *    struct forms instead, so nothing variadic is wrapped here.
 */
#ifndef KDUMPBAKE_CGUESTFS_SHIM_H
#define KDUMPBAKE_CGUESTFS_SHIM_H

#include <guestfs.h>
#include <stdint.h>
#include <stdlib.h>

static const uint64_t kdb_ADD_DRIVE_READONLY = GUESTFS_ADD_DRIVE_OPTS_READONLY_BITMASK;
static const uint64_t kdb_ADD_DRIVE_FORMAT = GUESTFS_ADD_DRIVE_OPTS_FORMAT_BITMASK;
static const uint64_t kdb_ADD_DRIVE_LABEL = GUESTFS_ADD_DRIVE_OPTS_LABEL_BITMASK;
static const uint64_t kdb_ADD_DRIVE_CACHEMODE = GUESTFS_ADD_DRIVE_OPTS_CACHEMODE_BITMASK;
static const uint64_t kdb_ADD_DRIVE_DISCARD = GUESTFS_ADD_DRIVE_OPTS_DISCARD_BITMASK;
static const uint64_t kdb_ADD_DRIVE_PROTOCOL = GUESTFS_ADD_DRIVE_OPTS_PROTOCOL_BITMASK;
static const uint64_t kdb_ADD_DRIVE_SERVER = GUESTFS_ADD_DRIVE_OPTS_SERVER_BITMASK;

static const uint64_t kdb_ADD_DRIVE_SCRATCH_LABEL = GUESTFS_ADD_DRIVE_SCRATCH_LABEL_BITMASK;

static const uint64_t kdb_COPY_ATTRIBUTES_ALL = GUESTFS_COPY_ATTRIBUTES_ALL_BITMASK;
static const uint64_t kdb_COPY_ATTRIBUTES_MODE = GUESTFS_COPY_ATTRIBUTES_MODE_BITMASK;
static const uint64_t kdb_COPY_ATTRIBUTES_XATTRIBUTES = GUESTFS_COPY_ATTRIBUTES_XATTRIBUTES_BITMASK;
static const uint64_t kdb_COPY_ATTRIBUTES_OWNERSHIP = GUESTFS_COPY_ATTRIBUTES_OWNERSHIP_BITMASK;

static const uint64_t kdb_GLOB_EXPAND_DIRECTORYSLASH = GUESTFS_GLOB_EXPAND_OPTS_DIRECTORYSLASH_BITMASK;
static const uint64_t kdb_IS_FILE_FOLLOWSYMLINKS = GUESTFS_IS_FILE_OPTS_FOLLOWSYMLINKS_BITMASK;
static const uint64_t kdb_IS_DIR_FOLLOWSYMLINKS = GUESTFS_IS_DIR_OPTS_FOLLOWSYMLINKS_BITMASK;
static const uint64_t kdb_MKFS_LABEL = GUESTFS_MKFS_OPTS_LABEL_BITMASK;

/* Frees a NULL-terminated string list returned by libguestfs: each string, then the array. */
static inline void kdb_free_string_list(char **list) {
    if (list == NULL) return;
    for (char **p = list; *p != NULL; p++) free(*p);
    free(list);
}

#endif
