/**
 * Settings: flags > environment > `.env` > defaults, validated with zod.
 *
 * @module
 */
export {
  type Config,
  type ConfigFlags,
  loadConfig,
  requireSetting,
  whereToSet,
} from "./load.ts";
export { type Env, EnvSchema, EXPECTED } from "./schema.ts";
export {
  applySettings,
  parseSettings,
  readSettings,
  type Settings,
  SETTINGS_FILE,
  SettingsSchema,
} from "./settings_file.ts";
