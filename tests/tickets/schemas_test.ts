import assert from "node:assert/strict";
import { parse } from "yaml";
import { z } from "zod";
import {
  COMPONENTS,
  PrioritySchema,
  TicketStatusSchema,
} from "../../src/tickets/schemas.ts";

// deno-lint-ignore no-explicit-any
type Doc = any;
const doc: Doc = parse(
  await Deno.readTextFile(
    new URL("../../docs/ticket-api.yaml", import.meta.url),
  ),
);

function componentName(ref: string): string {
  return ref.replace("#/components/schemas/", "");
}

Deno.test("the zod schemas have exactly the fields and required fields of docs/ticket-api.yaml", async (t) => {
  for (const [name, schema] of Object.entries(COMPONENTS)) {
    await t.step(name, () => {
      const yaml = doc.components.schemas[name];
      assert.ok(yaml, `docs/ticket-api.yaml has no component ${name}`);
      const shape = (schema as z.ZodObject).shape;
      assert.deepEqual(
        Object.keys(shape).sort(),
        Object.keys(yaml.properties).sort(),
      );
      const required = Object.entries(shape).filter(([, s]) =>
        !(s as z.ZodType).safeParse(undefined).success
      )
        .map(([k]) => k).sort();
      assert.deepEqual(required, [...yaml.required].sort());
    });
  }
  await t.step("enums", () => {
    assert.deepEqual(
      TicketStatusSchema.options,
      doc.components.schemas.TicketStatus.enum,
    );
    assert.deepEqual(
      PrioritySchema.options,
      doc.components.schemas.Priority.enum,
    );
  });
});

Deno.test("every example in docs/ticket-api.yaml is valid for its zod schema", async (t) => {
  const examples: [string, string, unknown][] = [];
  const collect = (where: string, content: Doc) => {
    const media = content?.["application/json"];
    if (media?.example === undefined) return;
    const ref = media.schema?.$ref;
    assert.ok(ref, `${where} has an example but no schema $ref`);
    examples.push([where, componentName(ref), media.example]);
  };
  for (
    const [path, methods] of Object.entries(doc.paths as Record<string, Doc>)
  ) {
    for (const [method, op] of Object.entries(methods as Record<string, Doc>)) {
      collect(
        `${method.toUpperCase()} ${path} request`,
        op.requestBody?.content,
      );
      for (
        const [status, response] of Object.entries(
          op.responses as Record<string, Doc>,
        )
      ) {
        const resolved = response.$ref
          ? doc.components
            .responses[response.$ref.replace("#/components/responses/", "")]
          : response;
        collect(`${method.toUpperCase()} ${path} ${status}`, resolved.content);
      }
    }
  }
  assert.ok(examples.length >= 20, `only ${examples.length} examples found`);
  for (const [where, name, example] of examples) {
    await t.step(where, () => {
      const schema = COMPONENTS[name as keyof typeof COMPONENTS];
      assert.ok(schema, `no zod schema for component ${name}`);
      const result = schema.safeParse(example);
      assert.ok(result.success, `${where}: ${result.error?.message}`);
    });
  }
});

/** Resolves `$ref`s and merges the limits of a yaml schema node. */
function resolve(node: Doc): Doc {
  if (node?.$ref) {
    return { ...resolve(doc.components.schemas[componentName(node.$ref)]) };
  }
  return node;
}

const LIMITS = ["minLength", "maxLength", "maxItems", "pattern"] as const;

/** Walks the yaml and zod's JSON Schema side by side, comparing every limit. */
function compareLimits(where: string, yamlNode: Doc, zodJson: Doc): void {
  const y = resolve(yamlNode);
  if (!y || !zodJson) return;
  const yAlternatives = y.oneOf ?? y.anyOf;
  // `.nullable()` is an anyOf in zod's JSON Schema, `type: [string, "null"]` in the yaml.
  const zodNode = !yAlternatives && zodJson.anyOf
    ? zodJson.anyOf.find((a: Doc) => a.type !== "null")
    : zodJson;
  for (const limit of LIMITS) {
    // zod adds its own pattern to date-times; the yaml says `format` instead.
    if (limit === "pattern" && y.format === "date-time") continue;
    const [a, b] = limit === "pattern"
      ? [zodNode[limit], y[limit]].map((p) =>
        p === undefined ? p : new RegExp(p).source
      )
      : [zodNode[limit], y[limit]];
    assert.equal(a, b, `${where}: ${limit}`);
  }
  if (y.properties) {
    for (const [key, value] of Object.entries(y.properties)) {
      compareLimits(`${where}.${key}`, value, zodNode.properties?.[key]);
    }
  }
  if (y.items) compareLimits(`${where}[]`, y.items, zodNode.items);
  const zAlternatives = zodNode.oneOf ?? zodNode.anyOf;
  if (yAlternatives) {
    assert.equal(zAlternatives?.length, yAlternatives.length, where);
    yAlternatives.forEach((alt: Doc, i: number) =>
      compareLimits(`${where}|${i}`, alt, zAlternatives[i])
    );
  }
}

Deno.test("the zod schemas have exactly the length, count and pattern limits of docs/ticket-api.yaml", async (t) => {
  for (const [name, schema] of Object.entries(COMPONENTS)) {
    await t.step(name, () => {
      const json = z.toJSONSchema(schema as z.ZodType, {
        io: "input",
        unrepresentable: "any",
      });
      compareLimits(name, doc.components.schemas[name], json);
    });
  }
});
