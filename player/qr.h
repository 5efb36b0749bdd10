/*
 * qr.h - QR codes of the player's address, with libqrencode (the only file
 * that includes <qrencode.h>): drawn in the terminal with half-block
 * characters, and as an SVG for the catalog page a teacher can project.
 */
#ifndef SAMPAN_PLAYER_QR_H
#define SAMPAN_PLAYER_QR_H

#include <stdio.h>

/* An SVG of text's QR code (malloc'd), or NULL. */
char *qr_svg(const char *text);

/* Draw text's QR code on f with Unicode half blocks (two modules a character row). */
int qr_terminal(const char *text, FILE *f);

#endif
