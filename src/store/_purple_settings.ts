/**
 * libpurple's `<setting name='…' type='…'>value</setting>` elements: reading
 * them as account.c (`parse_settings`) and blist.c (`parse_setting`) do, and
 * writing them as `setting_to_xmlnode` / `value_to_xmlnode` do.
 */
import {
  type ElementSpec,
  insertChild,
  removeChild,
  setAttr,
  setText,
} from "./_xml_edit.ts";
import { childElements, type XmlElement } from "./_xml_tree.ts";

/** A setting's typed value as libpurple holds it. */
export type PurpleSetting =
  | { type: "string"; value: string }
  | { type: "int"; value: number }
  | { type: "bool"; value: boolean };

/** A value to store: a string, an integer (C `int`), or a boolean. */
export type SettingValue = string | number | boolean;

/** C's `atoi` as glibc has it: blanks, a sign, digits; anything else is 0; the result wraps to 32 bits. */
export function atoi(text: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(text);
  if (!m) return 0;
  let n = BigInt(m[1]!);
  const max = (1n << 63n) - 1n; // strtol saturates at LONG_MAX / LONG_MIN
  if (n > max) n = max;
  if (n < -max - 1n) n = -max - 1n;
  return Number(BigInt.asIntN(32, n));
}

/**
 * Reads one `<setting>`, or undefined where libpurple ignores it. `rules`
 * picks account.c (name and type required; a bool is false only when it
 * starts with "0") or blist.c (a missing type is a string; a bool is
 * `atoi(value) != 0`).
 */
export function readSetting(
  setting: XmlElement,
  rules: "account" | "blist",
): [string, PurpleSetting] | undefined {
  const name = setting.attrs.get("name");
  const type = setting.attrs.get("type") ??
    (rules === "blist" ? "string" : undefined);
  const data = setting.text;
  if (name === undefined || data === undefined) return undefined;
  switch (type) {
    case "string":
      return [name, { type, value: data }];
    case "int":
      return [name, { type, value: atoi(data) }];
    case "bool":
      return [name, {
        type,
        value: rules === "account" ? !data.startsWith("0") : atoi(data) !== 0,
      }];
    default:
      return undefined;
  }
}

/** Reads the settings of one or more containers in order; a later one of a name wins, as in libpurple's hash tables. */
export function readSettings(
  containers: XmlElement[],
  rules: "account" | "blist",
): Map<string, PurpleSetting> {
  const settings = new Map<string, PurpleSetting>();
  for (const container of containers) {
    for (const element of childElements(container, "setting")) {
      const setting = readSetting(element, rules);
      if (setting) settings.set(setting[0], setting[1]);
    }
  }
  return settings;
}

function typed(value: SettingValue): { type: string; text: string } {
  if (typeof value === "boolean") {
    return { type: "bool", text: value ? "1" : "0" };
  }
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31) {
      throw new RangeError(
        `Cannot store the setting value ${value}: not a 32-bit integer`,
      );
    }
    return { type: "int", text: String(value) };
  }
  return { type: "string", text: value };
}

/** The `<setting>` element libpurple writes for `name` = `value`. */
export function settingSpec(name: string, value: SettingValue): ElementSpec {
  const { type, text } = typed(value);
  return { name: "setting", attrs: [["name", name], ["type", type]], text };
}

/**
 * Sets `name` in the settings spread over `containers` (the last one of
 * that name is the one libpurple keeps, so it is the one changed; a new one
 * goes to the end of the last container), or with `undefined` removes every
 * one of that name. Returns whether the text changed.
 */
export function writeSetting(
  containers: XmlElement[],
  name: string,
  value: SettingValue | undefined,
  newContainer: () => XmlElement,
): boolean {
  const found = containers.flatMap((container) =>
    childElements(container, "setting")
      .filter((s) => s.attrs.get("name") === name)
      .map((setting) => ({ container, setting }))
  );
  if (value === undefined) {
    for (const { container, setting } of found) removeChild(container, setting);
    return found.length > 0;
  }
  const { type, text } = typed(value);
  const last = found[found.length - 1];
  if (!last) {
    insertChild(
      containers[containers.length - 1] ?? newContainer(),
      settingSpec(name, value),
    );
    return true;
  }
  const { setting } = last;
  if (setting.attrs.get("type") === type && setting.text === text) return false;
  setAttr(setting, "type", type);
  setText(setting, text);
  return true;
}
