/**
 * Text width estimates for laying out margins before satori shapes the text. Inter's advance
 * widths, rounded up a little: a margin slightly too wide is invisible, one too narrow lets a
 * tick label run into the axis label.
 */

/** Advance widths in em for the characters tick labels are made of. */
const NARROW = 0.3 // . , : ' space i l
const DIGIT = 0.62
const OTHER = 0.62
const WIDE = 0.9 // m w M W and symbols

export function estimateTextWidth(text: string, fontSize: number): number {
  let em = 0
  for (const ch of text) {
    if (".,:;' il|!".includes(ch)) em += NARROW
    else if (ch >= '0' && ch <= '9') em += DIGIT
    else if ('mwMW%@'.includes(ch)) em += WIDE
    else em += OTHER
  }
  return em * fontSize
}
