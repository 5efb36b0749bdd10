/*
 * player.h - the commands of sampan-play, one file each, listed once in
 * main.c's table.  Each takes its own argv (argv[0] is the command's name)
 * and returns the exit code (cli.h).
 */
#ifndef SAMPAN_PLAYER_PLAYER_H
#define SAMPAN_PLAYER_PLAYER_H

int cmd_serve(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_install(int argc, char **argv);

#endif
