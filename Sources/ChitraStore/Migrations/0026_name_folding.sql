-- Officials look people up by name as they type it on any keyboard: "nguyen van duc" must find
-- "Nguyễn Văn Đức". `chitra_fold` takes a name to lowercase Latin letters without marks (every
-- Vietnamese letter, both cases: the database's ctype is C, so lower() alone knows only ASCII);
-- the lookup compares folded name with folded text. No index: a lookup reads the caller's units'
-- register as it did (an index would cost every import a second key per row).
CREATE FUNCTION chitra_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT translate($1, 'àÀáÁảẢãÃạẠăĂằẰắẮẳẲẵẴặẶâÂầẦấẤẩẨẫẪậẬèÈéÉẻẺẽẼẹẸêÊềỀếẾểỂễỄệỆìÌíÍỉỈĩĨịỊòÒóÓỏỎõÕọỌôÔồỒốỐổỔỗỖộỘơƠờỜớỚởỞỡỠợỢùÙúÚủỦũŨụỤưƯừỪứỨửỬữỮựỰỳỲýÝỷỶỹỸỵỴđĐABCDEFGHIJKLMNOPQRSTUVWXYZ', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeeeeeeeiiiiiiiiiioooooooooooooooooooooooooooooooooouuuuuuuuuuuuuuuuuuuuuuyyyyyyyyyyddabcdefghijklmnopqrstuvwxyz')
$$;
