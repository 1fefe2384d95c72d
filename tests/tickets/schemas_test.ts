import assert from "node:assert/strict";
import { parse } from "yaml";
import type { z } from "zod";
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
