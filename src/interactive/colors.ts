/**
 * XEP-0392 consistent colour generation: a name always gets the same colour,
 * in every client that implements it. Hue from the first two bytes of the
 * SHA-1 of the name (little-endian), HSLuv with saturation 100 and lightness 50.
 */
import { createHash } from "node:crypto";
import { Hsluv } from "hsluv";

/** The name's colour as [r, g, b], each 0 to 255. */
export function consistentColor(name: string): [number, number, number] {
  const digest = createHash("sha1").update(name, "utf8").digest();
  const angle = ((digest[0]! | (digest[1]! << 8)) / 65536) * 360;
  const color = new Hsluv();
  color.hsluv_h = angle;
  color.hsluv_s = 100;
  color.hsluv_l = 50;
  color.hsluvToRgb();
  return [color.rgb_r, color.rgb_g, color.rgb_b].map((c) =>
    Math.round(Math.min(1, Math.max(0, c)) * 255)
  ) as [
    number,
    number,
    number,
  ];
}
