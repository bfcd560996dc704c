<?php

use Illuminate\Support\Facades\DB;
use Illuminate\Support\Facades\Route;

Route::get('/carts/{id}', function (int $id) {
    return DB::table('carts')->where('id', $id)->first();
});
