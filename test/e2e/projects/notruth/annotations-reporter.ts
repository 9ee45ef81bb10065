// Writes every test's state, annotations and task meta to annotations.json in the working folder, so the harness can read them.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Reporter, TestCase, TestModule } from 'vitest/node'

export default class AnnotationsReporter implements Reporter {
  onTestRunEnd(modules: readonly TestModule[]): void {
    const tests: unknown[] = []
    const visit = (cases: Iterable<TestCase>) => {
      for (const t of cases) {
        tests.push({
          name: t.name,
          state: t.result().state,
          errors: (t.result().errors ?? []).map((e) => e.message),
          annotations: t.annotations().map((a) => ({ message: a.message, type: a.type, contentType: a.attachment?.contentType, bodyLength: typeof a.attachment?.body === 'string' ? a.attachment.body.length : a.attachment?.body?.length, path: a.attachment?.path })),
          meta: t.meta(),
        })
      }
    }
    for (const m of modules) visit(m.children.allTests())
    writeFileSync(join(process.cwd(), 'annotations.json'), JSON.stringify(tests, null, 2))
  }
}
