// npm run openapi: regenerate openapi/openapi.json from the route schemas (commit the result).
import { mkdirSync, writeFileSync } from 'node:fs';
import { generateOpenApiDocument, serialiseOpenApi } from '../src/http/openapi-document.ts';

mkdirSync('openapi', { recursive: true });
writeFileSync('openapi/openapi.json', serialiseOpenApi(await generateOpenApiDocument()));
console.log('wrote openapi/openapi.json');
process.exit(0);
