import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** What the SDK's declarations say about one property or value. */
export interface TypeInfo {
  nullable: boolean;
  acceptsString: boolean;
  acceptsNumber: boolean;
  acceptsBoolean: boolean;
  /** Free-form keys (metadata and the like): their names are not checked. */
  openKeys: boolean;
  /** Declared properties of the object members, with whether each may be absent. */
  properties: Map<string, { optional: boolean; type: () => TypeInfo }> | null;
  element: (() => TypeInfo) | null;
}

const SHAPES_FILE = fileURLToPath(new URL('./shapes.ts', import.meta.url));

/**
 * Reads the `stripe` package's own type declarations with the TypeScript compiler, so the shape
 * check knows which keys the SDK declares, which are optional and which may be null.
 */
export function loadShapes(): Map<string, TypeInfo> {
  const program = ts.createProgram([SHAPES_FILE], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(SHAPES_FILE)!;
  const shapes = new Map<string, TypeInfo>();
  ts.forEachChild(source, (node) => {
    if (!ts.isInterfaceDeclaration(node) || node.name.text !== 'Shapes') return;
    const type = checker.getTypeAtLocation(node);
    for (const property of checker.getPropertiesOfType(type)) {
      shapes.set(
        property.name,
        describe(checker, checker.getTypeOfSymbolAtLocation(property, node)),
      );
    }
  });
  return shapes;
}

function members(type: ts.Type): ts.Type[] {
  return type.isUnion() ? type.types : [type];
}

function describe(checker: ts.TypeChecker, type: ts.Type): TypeInfo {
  const all = members(type);
  const has = (flag: ts.TypeFlags) => all.some((t) => (t.flags & flag) !== 0);
  const arrays = all.filter((t) => checker.isArrayType(t));
  const objects = all.filter(
    (t) =>
      (t.flags & ts.TypeFlags.Object) !== 0 && !checker.isArrayType(t) && !isDecimal(checker, t),
  );
  const decimal = all.some((t) => isDecimal(checker, t));
  let properties: TypeInfo['properties'] = null;
  let openKeys = false;
  if (objects.length > 0) {
    properties = new Map();
    for (const object of objects) {
      if (checker.getIndexInfoOfType(object, ts.IndexKind.String)) openKeys = true;
      for (const property of checker.getPropertiesOfType(object)) {
        const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
        const existing = properties.get(property.name);
        const propertyType = checker.getTypeOfSymbol(property);
        properties.set(property.name, {
          optional: optional || (existing?.optional ?? false) || objects.length > 1,
          type: memo(() => describe(checker, propertyType)),
        });
      }
    }
  }
  return {
    nullable: has(ts.TypeFlags.Null) || has(ts.TypeFlags.Any) || has(ts.TypeFlags.Unknown),
    acceptsString: has(ts.TypeFlags.StringLike) || decimal || has(ts.TypeFlags.Any),
    acceptsNumber: has(ts.TypeFlags.NumberLike) || has(ts.TypeFlags.Any),
    acceptsBoolean: has(ts.TypeFlags.BooleanLike) || has(ts.TypeFlags.Any),
    openKeys,
    properties,
    element:
      arrays.length > 0
        ? memo(() => describe(checker, checker.getTypeArguments(arrays[0] as ts.TypeReference)[0]!))
        : null,
  };
}

/** The SDK's Decimal is a branded object in TypeScript and a string on the wire. */
function isDecimal(checker: ts.TypeChecker, type: ts.Type): boolean {
  return (
    checker.getPropertiesOfType(type).some((p) => p.name === 'toFixed') &&
    !!type.getProperty('toJSON')
  );
}

function memo<T>(fn: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= fn());
}
