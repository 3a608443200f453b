// The .mig language (spec sections 2 to 6). Generated into the build tree at
// build time; only frontend/ sees the generated classes.
grammar Mig;

// ---------------------------------------------------------------- structure

file : migration* EOF ;

migration : MIGRATION name=identifier '{' migrationItem* '}' ;

migrationItem
  : REQUIRES identifier (',' identifier)* ';'          # requiresItem
  | AUTHOR STRING ';'                                  # authorItem
  | DESCRIPTION STRING ';'                             # descriptionItem
  | IRREVERSIBLE STRING? ';'                           # irreversibleItem
  | LOCK_TIMEOUT STRING ';'                            # lockTimeoutItem
  | STATEMENT_TIMEOUT STRING ';'                       # statementTimeoutItem
  | TRANSACTION identifier ';'                         # transactionItem
  | UP '{' statement* '}'                              # upItem
  | DOWN '{' statement* '}'                            # downItem
  ;

// ---------------------------------------------------------------- operations

statement
  : CREATE TABLE identifier '(' tableElement (',' tableElement)* ')' ';'      # createTable
  | DROP TABLE identifier ';'                                                 # dropTable
  | RENAME TABLE identifier TO identifier ';'                                 # renameTable
  | ADD COLUMN columnRef typeName columnConstraint* ';'                       # addColumn
  | DROP COLUMN columnRef ';'                                                 # dropColumn
  | RENAME COLUMN columnRef TO identifier ';'                                 # renameColumn
  | ALTER COLUMN columnRef alterAction ';'                                    # alterColumn
  | CREATE UNIQUE? INDEX CONCURRENTLY? identifier? ON identifier
      '(' indexColumn (',' indexColumn)* ')' (WHERE expr)? ';'                # createIndex
  | DROP INDEX CONCURRENTLY? identifier ';'                                   # dropIndex
  | ADD CONSTRAINT identifier? ON identifier
      (tableConstraintBody (NOT VALID)? | keyUsingIndex) ';'                  # addConstraint
  | DROP CONSTRAINT identifier ON identifier ';'                              # dropConstraint
  | VALIDATE CONSTRAINT identifier ON identifier ';'                          # validateConstraint
  | UPDATE identifier SET assignment (',' assignment)* (WHERE expr)?
      batches? ';'                                                            # updateStmt
  | DELETE FROM identifier (WHERE expr)? ';'                                  # deleteStmt
  | INSERT INTO identifier ('(' identifier (',' identifier)* ')')?
      VALUES valuesRow (',' valuesRow)* ';'                                   # insertStmt
  | SQL STRING (DOWN STRING)? (DIALECT identifier)? ';'                       # sqlStmt
  // Error production: SQL's ALTER TABLE is a common habit; the frontend
  // turns it into a targeted diagnostic instead of a generic syntax error.
  | ALTER TABLE (~';')* ';'                                                   # alterTableHabit
  ;

columnRef : table=identifier '.' column=identifier ;

// A sign is taken so that `of -1` gets a located error, not a syntax error.
batches : IN BATCHES OF sign=('-' | '+')? size=INTEGER ;

tableElement
  : identifier typeName columnConstraint*              # columnElement
  | tableConstraint                                    # constraintElement
  ;

columnConstraint
  : (CONSTRAINT name=identifier)? columnConstraintBody ;

columnConstraintBody
  : NOT NULL_KW                                           # notNullConstraint
  | NULL_KW                                               # nullConstraint
  | PRIMARY KEY                                        # primaryKeyConstraint
  | UNIQUE                                             # uniqueConstraint
  | CHECK '(' expr ')'                                 # checkConstraint
  | REFERENCES identifier ('(' identifier ')')? fkAction*   # referencesConstraint
  | DEFAULT valueExpr                                  # defaultConstraint
  | IDENTITY                                           # identityConstraint
  ;

tableConstraint : (CONSTRAINT name=identifier)? tableConstraintBody ;

tableConstraintBody
  : PRIMARY KEY '(' identList ')'                      # primaryKeyBody
  | UNIQUE '(' identList ')'                           # uniqueBody
  | CHECK '(' expr ')'                                 # checkBody
  | FOREIGN KEY '(' identList ')' REFERENCES identifier
      ('(' identList ')')? fkAction*                   # foreignKeyBody
  ;

// An existing unique index becomes the key (PostgreSQL's ADD CONSTRAINT ...
// USING INDEX); only `add constraint` has it, as in PostgreSQL, and a key is
// never `not valid`.
keyUsingIndex
  : (PRIMARY KEY | UNIQUE) USING INDEX identifier ;

fkAction : ON event=(DELETE | UPDATE) referentialAction ;

referentialAction
  : CASCADE | RESTRICT | SET NULL_KW | SET DEFAULT | NO ACTION ;

identList : identifier (',' identifier)* ;

alterAction
  : TYPE typeName (USING expr)?                        # alterType
  | SET NOT NULL_KW                                       # setNotNull
  | DROP NOT NULL_KW                                      # dropNotNull
  | SET DEFAULT valueExpr                              # setDefault
  | DROP DEFAULT                                       # dropDefault
  ;

indexColumn : identifier (ASC | DESC)? ;

assignment : identifier '=' expr ;

valuesRow : '(' expr (',' expr)* ')' ;

typeName
  : DOUBLE PRECISION?
  | typeKeyword ('(' INTEGER (',' INTEGER)? ')')?
  // Error production: any other name is an unknown type, reported as such.
  | IDENT ('(' INTEGER (',' INTEGER)? ')')?
  ;

typeKeyword
  : SMALLINT | INT | INTEGER_KW | BIGINT | DECIMAL | NUMERIC | REAL | FLOAT
  | BOOL | BOOLEAN | TEXT | VARCHAR | CHAR | BYTES | DATE | TIME | TIMESTAMP
  | TIMESTAMPTZ | UUID | JSON
  ;

// ---------------------------------------------------------------- expressions
// Precedence follows PostgreSQL: OR < AND < NOT < IS < comparison <
// BETWEEN/IN/LIKE < || < + - < * / % < unary sign. Predicates take value
// expressions so that `a between 1 and 2 and b` parses as SQL does.

expr : boolExpr ;

boolExpr
  : NOT boolExpr                                       # notExpr
  | boolExpr AND boolExpr                              # andExpr
  | boolExpr OR boolExpr                               # orExpr
  | predicate                                          # predicateExpr
  ;

predicate
  : valueExpr IS NOT? NULL_KW                             # isNullPredicate
  | valueExpr cmpOp valueExpr                          # comparePredicate
  | valueExpr NOT? IN '(' expr (',' expr)* ')'         # inPredicate
  | valueExpr NOT? BETWEEN valueExpr AND valueExpr     # betweenPredicate
  | valueExpr NOT? LIKE valueExpr                      # likePredicate
  | valueExpr                                          # valuePredicate
  ;

cmpOp : '=' | '<>' | '!=' | '<' | '<=' | '>' | '>=' | EQEQ ;

valueExpr
  : op=('-' | '+') valueExpr                           # signExpr
  | valueExpr op=('*' | '/' | '%') valueExpr           # mulExpr
  | valueExpr op=('+' | '-') valueExpr                 # addExpr
  | valueExpr CONCAT valueExpr                         # concatExpr
  | primary                                            # primaryExpr
  ;

primary
  : INTEGER                                            # intLiteral
  | DECIMAL_LITERAL                                    # decimalLiteral
  | STRING                                             # stringLiteral
  | (TRUE_KW | FALSE_KW)                                     # boolLiteral
  | NULL_KW                                               # nullLiteral
  | CAST '(' expr AS typeName ')'                      # castExpr
  | CASE caseWhen+ (ELSE expr)? END                    # caseExpr
  | CURRENT_DATE                                       # currentDateExpr
  | identifier '(' (expr (',' expr)*)? ')'             # callExpr
  | identifier ('.' identifier)?                       # columnExpr
  | '(' expr ')'                                       # parenExpr
  ;

caseWhen : WHEN expr THEN expr ;

// Keywords that cannot start or continue an expression or a column
// definition are soft: they may be used as plain identifiers.
identifier
  : IDENT | QUOTED_IDENT
  | MIGRATION | REQUIRES | AUTHOR | DESCRIPTION | IRREVERSIBLE | UP | DOWN
  | LOCK_TIMEOUT | STATEMENT_TIMEOUT | TRANSACTION
  | CREATE | TABLE | DROP | RENAME | ADD | COLUMN | ALTER | TYPE | INDEX
  | CONCURRENTLY | VALID | VALIDATE | KEY | UPDATE | DELETE | INSERT | SQL | DIALECT
  | CASCADE | RESTRICT | NO | ACTION | ASC | DESC | PRECISION | BATCHES | OF
  | SMALLINT | INT | INTEGER_KW | BIGINT | DECIMAL | NUMERIC | REAL | FLOAT
  | DOUBLE | BOOL | BOOLEAN | TEXT | VARCHAR | CHAR | BYTES | DATE | TIME
  | TIMESTAMP | TIMESTAMPTZ | UUID | JSON
  ;

// ---------------------------------------------------------------- lexer

MIGRATION : M I G R A T I O N ;
REQUIRES : R E Q U I R E S ;
AUTHOR : A U T H O R ;
DESCRIPTION : D E S C R I P T I O N ;
IRREVERSIBLE : I R R E V E R S I B L E ;
UP : U P ;
DOWN : D O W N ;
CREATE : C R E A T E ;
TABLE : T A B L E ;
DROP : D R O P ;
RENAME : R E N A M E ;
TO : T O ;
ADD : A D D ;
COLUMN : C O L U M N ;
ALTER : A L T E R ;
TYPE : T Y P E ;
USING : U S I N G ;
SET : S E T ;
NOT : N O T ;
NULL_KW : N U L L ;
DEFAULT : D E F A U L T ;
INDEX : I N D E X ;
UNIQUE : U N I Q U E ;
CONCURRENTLY : C O N C U R R E N T L Y ;
ON : O N ;
WHERE : W H E R E ;
CONSTRAINT : C O N S T R A I N T ;
CHECK : C H E C K ;
FOREIGN : F O R E I G N ;
KEY : K E Y ;
REFERENCES : R E F E R E N C E S ;
PRIMARY : P R I M A R Y ;
IDENTITY : I D E N T I T Y ;
VALID : V A L I D ;
VALIDATE : V A L I D A T E ;
UPDATE : U P D A T E ;
DELETE : D E L E T E ;
FROM : F R O M ;
INSERT : I N S E R T ;
INTO : I N T O ;
VALUES : V A L U E S ;
SQL : S Q L ;
DIALECT : D I A L E C T ;
CASCADE : C A S C A D E ;
RESTRICT : R E S T R I C T ;
NO : N O ;
ACTION : A C T I O N ;
ASC : A S C ;
DESC : D E S C ;
AND : A N D ;
OR : O R ;
IS : I S ;
IN : I N ;
BATCHES : B A T C H E S ;
OF : O F ;
BETWEEN : B E T W E E N ;
LIKE : L I K E ;
CASE : C A S E ;
WHEN : W H E N ;
THEN : T H E N ;
ELSE : E L S E ;
END : E N D ;
CAST : C A S T ;
AS : A S ;
TRUE_KW : T R U E ;
FALSE_KW : F A L S E ;
CURRENT_DATE : C U R R E N T '_' D A T E ;
// Migration clauses (after UP and DOWN: the expected-token list of a syntax
// error names the tokens in this order).
LOCK_TIMEOUT : L O C K '_' T I M E O U T ;
STATEMENT_TIMEOUT : S T A T E M E N T '_' T I M E O U T ;
TRANSACTION : T R A N S A C T I O N ;
SMALLINT : S M A L L I N T ;
INT : I N T ;
INTEGER_KW : I N T E G E R ;
BIGINT : B I G I N T ;
DECIMAL : D E C I M A L ;
NUMERIC : N U M E R I C ;
REAL : R E A L ;
FLOAT : F L O A T ;
DOUBLE : D O U B L E ;
PRECISION : P R E C I S I O N ;
BOOL : B O O L ;
BOOLEAN : B O O L E A N ;
TEXT : T E X T ;
VARCHAR : V A R C H A R ;
CHAR : C H A R ;
BYTES : B Y T E S ;
DATE : D A T E ;
TIME : T I M E ;
TIMESTAMP : T I M E S T A M P ;
TIMESTAMPTZ : T I M E S T A M P T Z ;
UUID : U U I D ;
JSON : J S O N ;

EQEQ : '==' ;
CONCAT : '||' ;
LPAREN : '(' ;
RPAREN : ')' ;
LBRACE : '{' ;
RBRACE : '}' ;
COMMA : ',' ;
SEMI : ';' ;
DOT : '.' ;
EQ : '=' ;
NE : '<>' ;
BANG_EQ : '!=' ;
LT : '<' ;
LE : '<=' ;
GT : '>' ;
GE : '>=' ;
PLUS : '+' ;
MINUS : '-' ;
STAR : '*' ;
SLASH : '/' ;
PERCENT : '%' ;

IDENT : [A-Za-z_] [A-Za-z0-9_]* ;
QUOTED_IDENT : '"' (~'"' | '""')* '"' ;
STRING : '\'' (~'\'' | '\'\'')* '\'' ;
INTEGER : [0-9]+ ;
DECIMAL_LITERAL : [0-9]+ '.' [0-9]* | '.' [0-9]+ ;

LINE_COMMENT : '--' ~[\r\n]* -> channel(HIDDEN) ;
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN) ;
WS : [ \t\r\n\f]+ -> skip ;

// Malformed tokens: the frontend reports each with a precise message and
// drops it before parsing.
UNTERMINATED_STRING : '\'' (~'\'' | '\'\'')* EOF ;
UNTERMINATED_QUOTED_IDENT : '"' (~'"' | '""')* EOF ;
// No `*/` inside: otherwise, by longest match, an unclosed comment late in
// a file would swallow every closed comment before it.
UNTERMINATED_COMMENT : '/*' ( ~'*' | '*'+ ~[*/] )* '*'* EOF ;
BAD_CHAR : . ;

fragment A : [aA] ; fragment B : [bB] ; fragment C : [cC] ; fragment D : [dD] ;
fragment E : [eE] ; fragment F : [fF] ; fragment G : [gG] ; fragment H : [hH] ;
fragment I : [iI] ; fragment J : [jJ] ; fragment K : [kK] ; fragment L : [lL] ;
fragment M : [mM] ; fragment N : [nN] ; fragment O : [oO] ; fragment P : [pP] ;
fragment Q : [qQ] ; fragment R : [rR] ; fragment S : [sS] ; fragment T : [tT] ;
fragment U : [uU] ; fragment V : [vV] ; fragment W : [wW] ; fragment X : [xX] ;
fragment Y : [yY] ; fragment Z : [zZ] ;
