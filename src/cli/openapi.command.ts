import { writeFileSync } from 'node:fs';
import { generateOpenApiDocument, serialiseOpenApi } from '../http/openapi-document.ts';
import type { Io } from './main.ts';

export async function runOpenapi(argv: string[], io: Io): Promise<number> {
  const text = serialiseOpenApi(await generateOpenApiDocument());
  const file = argv[0];
  if (file) writeFileSync(file, text);
  else io.stdout(text);
  return 0;
}
