/*
 * path.h - file names for the programs: a folder and a name joined, and the
 * user's folders by the XDG base directory rules.  What is returned is
 * malloc'd (free it); out of memory exits 3 (xalloc.h), but for
 * path_join_try.
 */
#ifndef SAMPAN_COMMON_PATH_H
#define SAMPAN_COMMON_PATH_H

/*
 * dir + "/" + name: no second '/' when dir ends with one, and name alone
 * when dir is "" (a path relative to the current folder stays so).
 */
char *path_join(const char *dir, const char *name);
/* The same, NULL when out of memory: for code that must not exit (serving, the library's scan). */
char *path_join_try(const char *dir, const char *name);

/*
 * The user's folder $XDG_VAR/sampan/SUB, else $HOME/HOME_FALLBACK/sampan/SUB
 * (no "/SUB" when sub is ""), as the XDG base directory rules say: an XDG_*
 * value that is unset, empty or relative is ignored.  NULL when neither
 * gives an absolute folder.  For example ("XDG_CONFIG_HOME", ".config",
 * "trusted"): ~/.config/sampan/trusted.
 */
char *path_user_dir(const char *xdg_var, const char *home_fallback, const char *sub);

#endif
