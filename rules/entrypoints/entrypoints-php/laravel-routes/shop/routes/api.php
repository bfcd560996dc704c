<?php

use App\Http\Controllers\Api\ProductController;
use Illuminate\Support\Facades\Route;

Route::apiResource('products', ProductController::class); // expect: entrypoints-php
Route::get('/status', fn () => ['ok' => true]); // expect: entrypoints-php
